{{ config(materialized='view') }}

{#- What followed each contact within the attribution window (var attribution_window_days, default
    3 days after sending): an arrangement (promise) and a successful payment, for the contact's plan
    when it names one, else for any plan of the customer. Joined on plan or customer with a bounded
    time range, so the join stays proportional to the contacts. -#}

{% set window_days = attribution_window_days() %}

with contacts as (

    select contact_id, customer_id, plan_id, sent_at
    from {{ ref('stg_contacts') }}

),

arrangements as (

    select arrangement_id, customer_id, plan_id, contact_id, created_at
    from {{ ref('stg_arrangements') }}

),

payments as (

    select customer_id, plan_id, attempted_at, received_amount
    from {{ ref('int_payment_attempts_enriched') }}
    where status = 'succeeded'

),

promises as (

    select contacts.contact_id
    from contacts
    inner join arrangements
        on arrangements.plan_id = contacts.plan_id
        and arrangements.created_at >= contacts.sent_at
        and arrangements.created_at <= {{ dbt.dateadd('day', window_days, 'contacts.sent_at') }}

    union all

    select contacts.contact_id
    from contacts
    inner join arrangements
        on arrangements.customer_id = contacts.customer_id
        and arrangements.created_at >= contacts.sent_at
        and arrangements.created_at <= {{ dbt.dateadd('day', window_days, 'contacts.sent_at') }}
    where contacts.plan_id is null

),

paid as (

    select contacts.contact_id, payments.received_amount
    from contacts
    inner join payments
        on payments.plan_id = contacts.plan_id
        and payments.attempted_at >= contacts.sent_at
        and payments.attempted_at <= {{ dbt.dateadd('day', window_days, 'contacts.sent_at') }}

    union all

    select contacts.contact_id, payments.received_amount
    from contacts
    inner join payments
        on payments.customer_id = contacts.customer_id
        and payments.attempted_at >= contacts.sent_at
        and payments.attempted_at <= {{ dbt.dateadd('day', window_days, 'contacts.sent_at') }}
    where contacts.plan_id is null

),

promise_flags as (

    select distinct contact_id from promises

),

paid_totals as (

    select contact_id, {{ exact_sum('received_amount') }} as paid_amount
    from paid
    group by contact_id

)

select
    contacts.contact_id,
    promise_flags.contact_id is not null as promise_within_n_days,
    paid_totals.contact_id is not null as paid_within_n_days,
    coalesce(paid_totals.paid_amount, 0) as paid_amount_within_n_days
from contacts
left join promise_flags on promise_flags.contact_id = contacts.contact_id
left join paid_totals on paid_totals.contact_id = contacts.contact_id
