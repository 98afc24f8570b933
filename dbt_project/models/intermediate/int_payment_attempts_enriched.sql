{{ config(materialized='table') }}

{#- Payment attempts with their installment's context, amounts in the reporting currency at the
    attempt date's rate, and which one is the installment's first scheduled attempt (the
    denominator of the first-attempt failure rate). Attempts after as_of_date are left out. -#}

with attempts as (

    select * from {{ ref('stg_payment_attempts') }}

),

installments as (

    select * from {{ ref('int_installments_enriched') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

joined as (

    select
        attempts.attempt_id,
        attempts.installment_id,
        installments.plan_id,
        installments.customer_id,
        installments.merchant_id,
        installments.country,
        installments.plan_type,
        installments.payment_method,
        installments.currency,
        installments.due_date,
        attempts.attempted_at,
        cast(attempts.attempted_at as date) as attempted_date,
        attempts.kind,
        attempts.status,
        attempts.failure_reason,
        cast(attempts.amount as double) as amount_local
    from attempts
    inner join installments on installments.installment_id = attempts.installment_id
    cross join as_of
    where cast(attempts.attempted_at as date) <= as_of.as_of_date

)

select
    joined.*,
    joined.amount_local * fx.rate_to_reporting as amount,
    case when joined.status = 'succeeded' then joined.amount_local else 0 end as received_local,
    case
        when joined.status = 'succeeded' then joined.amount_local * fx.rate_to_reporting else 0
    end as received_amount,
    joined.kind = 'scheduled' and row_number() over (
        partition by joined.installment_id
        order by {{ flag("joined.kind <> 'scheduled'") }}, joined.attempted_at, joined.attempt_id
    ) = 1 as is_first_scheduled_attempt,
    {{ days_between('joined.due_date', 'joined.attempted_date') }} as days_from_due
from joined
left join fx
    on fx.currency = joined.currency
    and fx.date_day = joined.attempted_date
