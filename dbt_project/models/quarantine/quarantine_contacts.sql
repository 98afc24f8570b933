-- Rows of raw contacts kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_contacts') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'contact_id') }} as contact_id,
    {{ relance_raw_value('raw_values', 'customer_id') }} as customer_id,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'channel') }} as channel,
    {{ relance_raw_value('raw_values', 'direction') }} as direction,
    {{ relance_raw_value('raw_values', 'stage') }} as stage,
    {{ relance_raw_value('raw_values', 'template_id') }} as template_id,
    {{ relance_raw_value('raw_values', 'sent_at') }} as sent_at,
    {{ relance_raw_value('raw_values', 'delivered_at') }} as delivered_at,
    {{ relance_raw_value('raw_values', 'opened_at') }} as opened_at,
    {{ relance_raw_value('raw_values', 'clicked_at') }} as clicked_at,
    {{ relance_raw_value('raw_values', 'replied_at') }} as replied_at,
    {{ relance_raw_value('raw_values', 'call_outcome') }} as call_outcome,
    {{ relance_raw_value('raw_values', 'team_id') }} as team_id,
    {{ relance_raw_value('raw_values', 'agent_id') }} as agent_id,
    {{ relance_raw_value('raw_values', 'cost') }} as cost
from checked
where quarantine_reason is not null
