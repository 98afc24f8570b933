{{ config(materialized='table') }}

{#- One row per collection case with its opening, closing and outcome. A case opens on its first
    overdue day and closes on the first day nothing is overdue (cured), unless the plan was
    escalated to litigation or debt sale (escalated) or written off (written_off) before that, on
    or after the opening day; then it closes on the escalation day. -#}

with case_installments as (

    select * from {{ ref('int_case_installments') }}

),

escalations as (

    select
        plan_id,
        cast(escalated_at as date) as escalated_date,
        stage
    from {{ ref('stg_escalations') }}
    where stage in ('litigation', 'debt_sale', 'write_off')

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

episodes as (

    select
        case_id,
        plan_id,
        min(episode_number) as episode_number,
        min(overdue_from_date) as opened_date,
        case
            when count(overdue_to_date) = count(*) then max(overdue_to_date)
        end as cured_date,
        count(*) as installments_overdue,
        max(max_days_past_due) as max_days_past_due,
        {{ exact_sum('overdue_amount_local') }} as overdue_amount_local,
        {{ exact_sum('overdue_amount') }} as overdue_amount
    from case_installments
    group by case_id, plan_id

),

first_escalation as (

    select
        episodes.case_id,
        escalations.escalated_date,
        escalations.stage,
        row_number() over (
            partition by episodes.case_id
            order by escalations.escalated_date,
                {{ flag("escalations.stage = 'write_off'") }},
                escalations.stage
        ) as escalation_rank
    from episodes
    inner join escalations
        on escalations.plan_id = episodes.plan_id
        and escalations.escalated_date >= episodes.opened_date
        and escalations.escalated_date < coalesce(episodes.cured_date, {{ open_end_date() }})
    cross join as_of
    where escalations.escalated_date <= as_of.as_of_date

)

select
    episodes.case_id,
    episodes.plan_id,
    episodes.episode_number,
    episodes.opened_date,
    coalesce(first_escalation.escalated_date, episodes.cured_date) as closed_date,
    case
        when first_escalation.stage = 'write_off' then 'written_off'
        when first_escalation.stage is not null then 'escalated'
        when episodes.cured_date is not null then 'cured'
        else 'open'
    end as outcome,
    first_escalation.stage as escalation_stage,
    episodes.cured_date,
    episodes.installments_overdue,
    episodes.max_days_past_due,
    episodes.overdue_amount_local,
    episodes.overdue_amount,
    {{ days_between('episodes.opened_date', 'as_of.as_of_date') }} as age_days
from episodes
cross join as_of
left join first_escalation
    on first_escalation.case_id = episodes.case_id
    and first_escalation.escalation_rank = 1
