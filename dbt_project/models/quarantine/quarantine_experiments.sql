-- Rows of raw experiments kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_experiments') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'experiment_id') }} as experiment_id,
    {{ relance_raw_value('raw_values', 'arm') }} as arm,
    {{ relance_raw_value('raw_values', 'assigned_at') }} as assigned_at
from checked
where quarantine_reason is not null
