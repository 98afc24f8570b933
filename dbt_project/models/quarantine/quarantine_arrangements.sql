-- Rows of raw arrangements kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_arrangements') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'arrangement_id') }} as arrangement_id,
    {{ relance_raw_value('raw_values', 'customer_id') }} as customer_id,
    {{ relance_raw_value('raw_values', 'plan_id') }} as plan_id,
    {{ relance_raw_value('raw_values', 'contact_id') }} as contact_id,
    {{ relance_raw_value('raw_values', 'created_at') }} as created_at,
    {{ relance_raw_value('raw_values', 'kind') }} as kind,
    {{ relance_raw_value('raw_values', 'promised_amount') }} as promised_amount,
    {{ relance_raw_value('raw_values', 'promised_date') }} as promised_date
from checked
where quarantine_reason is not null
