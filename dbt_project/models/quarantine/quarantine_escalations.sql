-- Rows of raw escalations kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_escalations') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__escalation_id as escalation_id,
    raw__plan_id as plan_id,
    raw__escalated_at as escalated_at,
    raw__stage as stage
from checked
where quarantine_reason is not null
