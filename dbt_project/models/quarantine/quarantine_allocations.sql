-- Rows of raw allocations kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_allocations') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__allocation_id as allocation_id,
    raw__plan_id as plan_id,
    raw__team_id as team_id,
    raw__team_type as team_type,
    raw__assigned_at as assigned_at,
    raw__released_at as released_at
from checked
where quarantine_reason is not null
