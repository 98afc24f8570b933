-- Rows of raw arrangements kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_arrangements') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__arrangement_id as arrangement_id,
    raw__customer_id as customer_id,
    raw__plan_id as plan_id,
    raw__contact_id as contact_id,
    raw__created_at as created_at,
    raw__kind as kind,
    raw__promised_amount as promised_amount,
    raw__promised_date as promised_date
from checked
where quarantine_reason is not null
