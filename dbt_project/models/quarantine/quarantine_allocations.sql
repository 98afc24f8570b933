-- Rows of raw allocations kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_allocations') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'allocation_id') }} as allocation_id,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'team_id') }} as team_id,
    {{ relance_raw_value('raw_values', 'team_type') }} as team_type,
    {{ relance_raw_value('raw_values', 'assigned_at') }} as assigned_at,
    {{ relance_raw_value('raw_values', 'released_at') }} as released_at
from checked
where quarantine_reason is not null
