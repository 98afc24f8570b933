-- Rows of raw customers kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_customers') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__customer_id as customer_id,
    raw__country as country,
    raw__timezone as timezone,
    raw__created_at as created_at,
    raw__language as language,
    raw__birth_year as birth_year
from checked
where quarantine_reason is not null
