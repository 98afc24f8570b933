{{ config(materialized='table') }}

{#- Assigns every installment that fell overdue to its collection case: the delinquency episode of
    its plan. Overdue intervals [due date + 1, fully paid date) of one plan that overlap or touch
    form one episode (gaps and islands); a new episode starts when an installment falls overdue
    after everything before it was paid. -#}

with overdue as (

    select
        installment_id,
        plan_id,
        due_date,
        overdue_from_date,
        fully_paid_date as overdue_to_date,
        overdue_amount_local,
        overdue_amount,
        max_days_past_due
    from {{ ref('int_delinquent_installments') }}
    where was_delinquent

),

ordered as (

    select
        overdue.*,
        max(coalesce(overdue_to_date, {{ open_end_date() }})) over (
            partition by plan_id
            order by overdue_from_date, installment_id
            rows between unbounded preceding and 1 preceding
        ) as previous_overdue_to_date
    from overdue

),

numbered as (

    select
        ordered.*,
        sum({{ flag('previous_overdue_to_date is null or overdue_from_date > previous_overdue_to_date') }}) over (
            partition by plan_id
            order by overdue_from_date, installment_id
            rows between unbounded preceding and current row
        ) as episode_number
    from ordered

)

select
    {{ dbt.concat(['plan_id', "'-'", 'cast(episode_number as ' ~ dbt.type_string() ~ ')']) }}
        as case_id,
    installment_id,
    plan_id,
    cast(episode_number as integer) as episode_number,
    due_date,
    overdue_from_date,
    overdue_to_date,
    overdue_amount_local,
    overdue_amount,
    max_days_past_due
from numbered
