-- Rows of raw merchants kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_merchants') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__merchant_id as merchant_id,
    raw__merchant_name as merchant_name,
    raw__sector as sector,
    raw__country as country
from checked
where quarantine_reason is not null
