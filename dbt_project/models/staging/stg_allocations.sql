with

checked as (

    select * from {{ ref('base_allocations') }}

)

select
    allocation_id,
    plan_id,
    team_id,
    team_type,
    assigned_at,
    released_at
from checked
where quarantine_reason is null
