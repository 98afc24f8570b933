-- Rows of raw escalations kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_escalations') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'escalation_id') }} as escalation_id,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'escalated_at') }} as escalated_at,
    {{ relance_raw_value('raw_values', 'stage') }} as stage
from checked
where quarantine_reason is not null
