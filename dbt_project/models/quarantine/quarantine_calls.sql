-- Rows of raw calls kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_calls') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__call_id as call_id,
    raw__contact_id as contact_id,
    raw__customer_id as customer_id,
    raw__started_at as started_at,
    raw__duration_s as duration_s,
    raw__audio_path as audio_path,
    raw__language as language
from checked
where quarantine_reason is not null
