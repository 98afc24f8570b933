{{ config(materialized='table') }}

{#- Every day from the first purchase (or fx rate) to the later of the last due date and as_of_date:
    the calendar behind dim_dates, daily fx rates and month-end snapshots. -#}

with bounds as (

    select
        least(
            (select min(cast(purchased_at as date)) from {{ ref('stg_plans') }}),
            coalesce((select min(date) from {{ ref('stg_fx_rates') }}), {{ open_end_date() }})
        ) as start_date,
        greatest(
            coalesce((select max(due_date) from {{ ref('stg_installments') }}), as_of.as_of_date),
            as_of.as_of_date
        ) as end_date
    from {{ ref('int_as_of_date') }} as as_of

),

numbers as (

    {{ dbt.generate_series(32768) }}

)

select {{ add_days('bounds.start_date', 'numbers.generated_number - 1') }} as date_day
from bounds
cross join numbers
where numbers.generated_number - 1 <= {{ dbt.datediff('bounds.start_date', 'bounds.end_date', 'day') }}
