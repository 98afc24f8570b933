with

checked as (

    select * from {{ ref('base_merchants') }}

)

select
    merchant_id,
    merchant_name,
    sector,
    country
from checked
where quarantine_reason is null
