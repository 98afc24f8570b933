{{ config(materialized='table') }}

{#- Money received per installment and day (succeeded attempts, partial payments included), with
    the cumulative amount received by the end of that day: the installment's payment status over
    time. -#}

with attempts as (

    select * from {{ ref('int_payment_attempts_enriched') }}
    where status = 'succeeded'

),

daily as (

    select
        installment_id,
        plan_id,
        attempted_date as receipt_date,
        sum(received_local) as received_local,
        sum(received_amount) as received_amount
    from attempts
    group by installment_id, plan_id, attempted_date

)

select
    daily.installment_id,
    daily.plan_id,
    daily.receipt_date,
    daily.received_local,
    daily.received_amount,
    sum(daily.received_local) over (
        partition by daily.installment_id
        order by daily.receipt_date
        rows between unbounded preceding and current row
    ) as cum_received_local
from daily
