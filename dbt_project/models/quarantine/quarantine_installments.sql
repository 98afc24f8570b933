-- Rows of raw installments kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_installments') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'installment_id') }} as installment_id,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'sequence') }} as sequence,
    {{ relance_raw_value('raw_values', 'due_date') }} as due_date,
    {{ relance_raw_value('raw_values', 'amount') }} as amount
from checked
where quarantine_reason is not null
