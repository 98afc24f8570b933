with

checked as (

    select * from {{ ref('base_experiments') }}

)

select
    plan_id,
    experiment_id,
    arm,
    assigned_at
from checked
where quarantine_reason is null
