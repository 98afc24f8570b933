{{ config(materialized='view') }}

{#- One row per installment: what was received and when it was paid in full, its first scheduled
    attempt, and whether and for how long it has been overdue as of as_of_date. An installment is
    overdue from the day after its due date while less than its amount has been received; paid in
    full means the cumulative amount received reaches the amount due (half a cent of tolerance). -#}

with installments as (

    select * from {{ ref('int_installments_enriched') }}

),

attempts as (

    select * from {{ ref('int_payment_attempts_enriched') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

{%- set paid_by_due = 'case when attempted_date <= due_date then received_local else 0 end' -%}
{%- set paid_by_dpd5 = 'case when attempted_date <= ' ~ add_days('due_date', 5)
    ~ ' then received_local else 0 end' -%}
{%- set fully_paid_on = 'case when received_local > 0 and cum_received_local >= '
    ~ 'installment_amount_local - 0.005 then attempted_date end' -%}

attempt_summary as (

    -- what was received and when, and the first scheduled attempt; an installment's only attempt
    -- (most installments have one) is its own summary, the others are grouped
    select
        installment_id,
        cast(1 as bigint) as attempts,
        cast(received_local as decimal(38, 6)) as paid_amount_local,
        cast(received_amount as decimal(38, 6)) as paid_amount,
        cast({{ paid_by_due }} as decimal(38, 6)) as paid_by_due_local,
        cast({{ paid_by_dpd5 }} as decimal(38, 6)) as paid_by_dpd5_local,
        {{ fully_paid_on }} as fully_paid_date,
        case when is_first_scheduled_attempt then status end as first_attempt_status,
        case when is_first_scheduled_attempt then failure_reason end
            as first_attempt_failure_reason,
        case when is_first_scheduled_attempt then attempted_at end as first_attempted_at
    from attempts
    where is_only_attempt

    union all

    select
        installment_id,
        count(*) as attempts,
        {{ exact_sum('received_local') }} as paid_amount_local,
        {{ exact_sum('received_amount') }} as paid_amount,
        {{ exact_sum(paid_by_due) }} as paid_by_due_local,
        {{ exact_sum(paid_by_dpd5) }} as paid_by_dpd5_local,
        min({{ fully_paid_on }}) as fully_paid_date,
        max(case when is_first_scheduled_attempt then status end) as first_attempt_status,
        max(case when is_first_scheduled_attempt then failure_reason end)
            as first_attempt_failure_reason,
        max(case when is_first_scheduled_attempt then attempted_at end) as first_attempted_at
    from attempts
    where not coalesce(is_only_attempt, false)
    group by installment_id

),

status as (

    select
        installments.*,
        as_of.as_of_date,
        coalesce(attempt_summary.paid_amount_local, 0) as paid_amount_local,
        coalesce(attempt_summary.paid_amount, 0) as paid_amount,
        coalesce(attempt_summary.paid_by_due_local, 0) as paid_by_due_local,
        coalesce(attempt_summary.paid_by_dpd5_local, 0) as paid_by_dpd5_local,
        case
            when installments.amount_local <= 0.005 then installments.due_date
            else attempt_summary.fully_paid_date
        end as fully_paid_date,
        coalesce(attempt_summary.attempts, 0) as attempts,
        attempt_summary.first_attempt_status,
        attempt_summary.first_attempt_failure_reason,
        attempt_summary.first_attempted_at
    from installments
    cross join as_of
    left join attempt_summary on attempt_summary.installment_id = installments.installment_id

),

flagged as (

    select
        status.*,
        status.due_date < status.as_of_date
            and (status.fully_paid_date is null or status.fully_paid_date > status.due_date)
            as was_delinquent
    from status

)

select
    flagged.*,
    case when was_delinquent then {{ add_days('due_date', 1) }} end as overdue_from_date,
    case
        when was_delinquent then greatest(amount_local - paid_by_due_local, 0) else 0
    end as overdue_amount_local,
    case
        when was_delinquent then greatest(amount_local - paid_by_due_local, 0) * fx_rate_due
        else 0
    end as overdue_amount,
    case
        when was_delinquent and fully_paid_date is null
            then {{ days_between('due_date', 'as_of_date') }}
        else 0
    end as days_past_due,
    case
        when was_delinquent
            then {{ days_between('due_date', 'coalesce(fully_paid_date, as_of_date)') }}
        else 0
    end as max_days_past_due,
    -- Reached 6 days past due: still not paid in full by the end of due date + 5.
    due_date <= {{ add_days('as_of_date', -6) }}
        and (fully_paid_date is null or fully_paid_date > {{ add_days('due_date', 5) }})
        as reached_dpd6
from flagged
