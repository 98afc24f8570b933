-- Rows of raw contacts kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_contacts') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__contact_id as contact_id,
    raw__customer_id as customer_id,
    raw__plan_id as plan_id,
    raw__channel as channel,
    raw__direction as direction,
    raw__stage as stage,
    raw__template_id as template_id,
    raw__sent_at as sent_at,
    raw__delivered_at as delivered_at,
    raw__opened_at as opened_at,
    raw__clicked_at as clicked_at,
    raw__replied_at as replied_at,
    raw__call_outcome as call_outcome,
    raw__team_id as team_id,
    raw__agent_id as agent_id,
    raw__cost as cost
from checked
where quarantine_reason is not null
