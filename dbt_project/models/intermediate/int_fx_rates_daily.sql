{{ config(materialized='table') }}

{#- One rate per currency and day of the calendar: the day's rate, else the nearest earlier one,
    else (before the first known rate) the earliest one. The reporting currency is 1 unless the
    data says otherwise. A currency with no rate at all gets a null rate, so its amounts stay null
    rather than silently unconverted. -#}

with rates as (

    select date as rate_date, currency, rate_to_reporting
    from {{ ref('stg_fx_rates') }}

),

currencies as (

    select distinct currency from {{ ref('stg_plans') }}
    union
    select distinct currency from rates

),

grid as (

    select currencies.currency, spine.date_day, rates.rate_to_reporting
    from currencies
    cross join {{ ref('int_date_spine') }} as spine
    left join rates
        on rates.currency = currencies.currency
        and rates.rate_date = spine.date_day

),

filled as (

    select
        currency,
        date_day,
        last_value(rate_to_reporting ignore nulls) over (
            partition by currency order by date_day
            rows between unbounded preceding and current row
        ) as earlier_rate,
        first_value(rate_to_reporting ignore nulls) over (
            partition by currency order by date_day
            rows between current row and unbounded following
        ) as later_rate
    from grid

)

select
    currency,
    date_day,
    coalesce(
        earlier_rate,
        later_rate,
        case when currency = '{{ reporting_currency() }}' then 1.0 end
    ) as rate_to_reporting
from filled
