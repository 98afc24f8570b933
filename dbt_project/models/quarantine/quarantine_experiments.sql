-- Rows of raw experiments kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_experiments') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__plan_id as plan_id,
    raw__experiment_id as experiment_id,
    raw__arm as arm,
    raw__assigned_at as assigned_at
from checked
where quarantine_reason is not null
