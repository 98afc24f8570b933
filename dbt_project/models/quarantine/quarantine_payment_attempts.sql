-- Rows of raw payment_attempts kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_payment_attempts') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__attempt_id as attempt_id,
    raw__installment_id as installment_id,
    raw__attempted_at as attempted_at,
    raw__amount as amount,
    raw__kind as kind,
    raw__status as status,
    raw__failure_reason as failure_reason
from checked
where quarantine_reason is not null
