with

checked as (

    select * from {{ ref('base_calls') }}

)

select
    call_id,
    contact_id,
    customer_id,
    started_at,
    duration_s,
    audio_path,
    language
from checked
where quarantine_reason is null
