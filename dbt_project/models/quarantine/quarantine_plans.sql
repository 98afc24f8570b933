-- Rows of raw plans kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_plans') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'customer_id') }} as customer_id,
    {{ relance_raw_value('raw_values', 'merchant_id') }} as merchant_id,
    {{ relance_raw_value('raw_values', 'purchased_at') }} as purchased_at,
    {{ relance_raw_value('raw_values', 'currency') }} as currency,
    {{ relance_raw_value('raw_values', 'principal_amount') }} as principal_amount,
    {{ relance_raw_value('raw_values', 'plan_type') }} as plan_type,
    {{ relance_raw_value('raw_values', 'installment_count') }} as installment_count,
    {{ relance_raw_value('raw_values', 'payment_method') }} as payment_method
from checked
where quarantine_reason is not null
