{{ config(materialized='table') }}

{#- Payment attempts with their installment's context, amounts in the reporting currency at the
    attempt date's rate, and, in attempt order per installment: whether it is the installment's
    first scheduled attempt (the denominator of the first-attempt failure rate) and the cumulative
    amount received so far (partial payments add up; the installment is paid in full once it
    reaches the amount due). Attempts after as_of_date are left out. The running values are
    computed on the narrow attempt rows before the joins, and only installments with several
    attempts are sorted (a single attempt is its own running total), so the sort carries little.
    is_only_attempt marks the installment's only attempt, whose summary needs no grouping. -#}

with as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

attempts as (

    select
        attempts.attempt_id,
        attempts.installment_id,
        attempts.attempted_at,
        attempts.kind,
        attempts.status,
        attempts.failure_reason,
        cast(attempts.amount as double) as amount_local,
        case
            when attempts.status = 'succeeded' then cast(attempts.amount as double) else 0
        end as received_local
    from {{ ref('stg_payment_attempts') }} as attempts
    cross join as_of
    where cast(attempts.attempted_at as date) <= as_of.as_of_date

),

multi_attempt as (

    -- most installments have a single attempt: only the others need sorting
    select installment_id
    from attempts
    group by installment_id
    having count(*) > 1

),

sequenced as (

    select
        attempts.*,
        {{ flag("kind = 'scheduled'") }} as scheduled_so_far,
        cast(received_local as decimal(38, 6)) as cum_received_local,
        true as is_only_attempt
    from attempts
    where not exists (
        select 1 from multi_attempt where multi_attempt.installment_id = attempts.installment_id
    )

    union all

    select
        attempts.*,
        sum({{ flag("kind = 'scheduled'") }}) over attempt_order as scheduled_so_far,
        {{ exact_sum('received_local') }} over attempt_order as cum_received_local,
        false as is_only_attempt
    from attempts
    where exists (
        select 1 from multi_attempt where multi_attempt.installment_id = attempts.installment_id
    )
    window attempt_order as (
        partition by installment_id
        order by attempted_at, attempt_id
        rows between unbounded preceding and current row
    )

),

installments as (

    select * from {{ ref('int_installments_enriched') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

)

select
    sequenced.attempt_id,
    sequenced.installment_id,
    installments.plan_id,
    installments.customer_id,
    installments.merchant_id,
    installments.country,
    installments.plan_type,
    installments.payment_method,
    installments.currency,
    installments.due_date,
    installments.amount_local as installment_amount_local,
    sequenced.attempted_at,
    cast(sequenced.attempted_at as date) as attempted_date,
    sequenced.kind,
    sequenced.status,
    sequenced.failure_reason,
    sequenced.amount_local,
    sequenced.amount_local * fx.rate_to_reporting as amount,
    sequenced.received_local,
    sequenced.received_local * fx.rate_to_reporting as received_amount,
    sequenced.cum_received_local,
    sequenced.kind = 'scheduled' and sequenced.scheduled_so_far = 1 as is_first_scheduled_attempt,
    sequenced.is_only_attempt,
    {{ days_between('installments.due_date', 'cast(sequenced.attempted_at as date)') }}
        as days_from_due
from sequenced
inner join installments on installments.installment_id = sequenced.installment_id
left join fx
    on fx.currency = installments.currency
    and fx.date_day = cast(sequenced.attempted_at as date)
