-- Rows of raw payment_attempts kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_payment_attempts') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'attempt_id') }} as attempt_id,
    {{ relance_raw_value('raw_values', 'installment_id') }} as installment_id,
    {{ relance_raw_value('raw_values', 'attempted_at') }} as attempted_at,
    {{ relance_raw_value('raw_values', 'amount') }} as amount,
    {{ relance_raw_value('raw_values', 'kind') }} as kind,
    {{ relance_raw_value('raw_values', 'status') }} as status,
    {{ relance_raw_value('raw_values', 'failure_reason') }} as failure_reason
from checked
where quarantine_reason is not null
