-- Rows of raw fx_rates kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_fx_rates') }}

)

select
    quarantine_reason,
    quarantine_column,
    {{ relance_raw_value('raw_values', 'date') }} as "date",
    {{ relance_raw_value('raw_values', 'currency') }} as currency,
    {{ relance_raw_value('raw_values', 'rate_to_reporting') }} as rate_to_reporting
from checked
where quarantine_reason is not null
