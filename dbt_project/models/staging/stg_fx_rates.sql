with

checked as (

    select * from {{ ref('base_fx_rates') }}

)

select
    "date",
    currency,
    rate_to_reporting
from checked
where quarantine_reason is null
