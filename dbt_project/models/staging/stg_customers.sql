with

checked as (

    select * from {{ ref('base_customers') }}

)

select
    customer_id,
    country,
    timezone,
    created_at,
    language,
    birth_year
from checked
where quarantine_reason is null
