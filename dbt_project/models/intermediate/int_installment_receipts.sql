{{ config(materialized='table') }}

{#- Money received per day on the installments that fell overdue (succeeded attempts, partial
    payments included), with the cumulative amount received by the end of that day: their payment
    status over time, which overdue spells and recoveries are built from. Installments paid on time
    need no day-by-day history and are left out, which keeps this table small. -#}

with attempts as (

    select attempts.installment_id, attempts.plan_id, attempts.attempted_date,
        attempts.received_local, attempts.received_amount
    from {{ ref('int_payment_attempts_enriched') }} as attempts
    inner join {{ ref('int_delinquent_installments') }} as status
        on status.installment_id = attempts.installment_id
    where attempts.status = 'succeeded'
        and status.was_delinquent

),

daily as (

    select
        installment_id,
        plan_id,
        attempted_date as receipt_date,
        {{ exact_sum('received_local') }} as received_local,
        {{ exact_sum('received_amount') }} as received_amount
    from attempts
    group by installment_id, plan_id, attempted_date

)

select
    daily.installment_id,
    daily.plan_id,
    daily.receipt_date,
    daily.received_local,
    daily.received_amount,
    {{ exact_sum('daily.received_local') }} over (
        partition by daily.installment_id
        order by daily.receipt_date
        rows between unbounded preceding and current row
    ) as cum_received_local
from daily
