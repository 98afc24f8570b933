with

checked as (

    select * from {{ ref('base_contacts') }}

)

select
    contact_id,
    customer_id,
    plan_id,
    channel,
    direction,
    stage,
    template_id,
    sent_at,
    delivered_at,
    opened_at,
    clicked_at,
    replied_at,
    call_outcome,
    team_id,
    agent_id,
    cost
from checked
where quarantine_reason is null
