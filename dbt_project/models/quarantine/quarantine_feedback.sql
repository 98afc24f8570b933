-- Rows of raw feedback kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_feedback') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'feedback_id') }} as feedback_id,
    {{ relance_raw_value('raw_values', 'customer_id') }} as customer_id,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'submitted_at') }} as submitted_at,
    {{ relance_raw_value('raw_values', 'channel') }} as channel,
    {{ relance_raw_value('raw_values', 'reason_code') }} as reason_code,
    {{ relance_raw_value('raw_values', 'comment') }} as comment,
    {{ relance_raw_value('raw_values', 'satisfaction') }} as satisfaction
from checked
where quarantine_reason is not null
