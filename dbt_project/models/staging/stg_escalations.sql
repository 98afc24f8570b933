with

checked as (

    select * from {{ ref('base_escalations') }}

)

select
    escalation_id,
    plan_id,
    escalated_at,
    stage
from checked
where quarantine_reason is null
