-- Rows of raw customers kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_customers') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'customer_id') }} as customer_id,
    {{ relance_raw_value('raw_values', 'country') }} as country,
    {{ relance_raw_value('raw_values', 'timezone') }} as timezone,
    {{ relance_raw_value('raw_values', 'created_at') }} as created_at,
    {{ relance_raw_value('raw_values', 'language') }} as language,
    {{ relance_raw_value('raw_values', 'birth_year') }} as birth_year
from checked
where quarantine_reason is not null
