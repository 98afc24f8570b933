-- Rows of raw feedback kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_feedback') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__feedback_id as feedback_id,
    raw__customer_id as customer_id,
    raw__plan_id as plan_id,
    raw__submitted_at as submitted_at,
    raw__channel as channel,
    raw__reason_code as reason_code,
    raw__comment as comment,
    raw__satisfaction as satisfaction
from checked
where quarantine_reason is not null
