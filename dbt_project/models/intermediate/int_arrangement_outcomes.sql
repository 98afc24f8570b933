{{ config(materialized='table') }}

{#- Whether each promise was kept: the plan received the promised amount between the day the
    arrangement was made and the promised date + 2 days of grace. A promise is due (counted) once
    its grace period has ended by as_of_date. -#}

with arrangements as (

    select * from {{ ref('stg_arrangements') }}

),

receipts as (

    select plan_id, attempted_date as receipt_date, received_local
    from {{ ref('int_payment_attempts_enriched') }}
    where status = 'succeeded'

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

received as (

    select
        arrangements.arrangement_id,
        {{ exact_sum('receipts.received_local') }} as received_local
    from arrangements
    inner join receipts
        on receipts.plan_id = arrangements.plan_id
        and receipts.receipt_date >= cast(arrangements.created_at as date)
        and receipts.receipt_date <= {{ add_days('arrangements.promised_date', 2) }}
    group by arrangements.arrangement_id

)

select
    arrangements.arrangement_id,
    arrangements.customer_id,
    arrangements.plan_id,
    arrangements.contact_id,
    arrangements.kind,
    arrangements.created_at,
    cast(arrangements.created_at as date) as created_date,
    arrangements.promised_date,
    cast(arrangements.promised_amount as double) as promised_amount_local,
    {{ add_days('arrangements.promised_date', 2) }} <= as_of.as_of_date as is_due,
    coalesce(received.received_local, 0) as received_local,
    coalesce(received.received_local, 0) >= cast(arrangements.promised_amount as double) - 0.005
        as is_kept
from arrangements
cross join as_of
left join received on received.arrangement_id = arrangements.arrangement_id
