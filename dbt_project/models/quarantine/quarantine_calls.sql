-- Rows of raw calls kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_calls') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'call_id') }} as call_id,
    {{ relance_raw_value('raw_values', 'contact_id') }} as contact_id,
    {{ relance_raw_value('raw_values', 'customer_id') }} as customer_id,
    {{ relance_raw_value('raw_values', 'started_at') }} as started_at,
    {{ relance_raw_value('raw_values', 'duration_s') }} as duration_s,
    {{ relance_raw_value('raw_values', 'audio_path') }} as audio_path,
    {{ relance_raw_value('raw_values', 'language') }} as language
from checked
where quarantine_reason is not null
