with

checked as (

    select * from {{ ref('base_feedback') }}

)

select
    feedback_id,
    customer_id,
    plan_id,
    submitted_at,
    channel,
    reason_code,
    comment,
    satisfaction
from checked
where quarantine_reason is null
