-- Rows of raw merchants kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_merchants') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'merchant_id') }} as merchant_id,
    {{ relance_raw_value('raw_values', 'merchant_name') }} as merchant_name,
    {{ relance_raw_value('raw_values', 'sector') }} as sector,
    {{ relance_raw_value('raw_values', 'country') }} as country
from checked
where quarantine_reason is not null
