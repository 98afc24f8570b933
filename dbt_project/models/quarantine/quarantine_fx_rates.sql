-- Rows of raw fx_rates kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_fx_rates') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__date as "date",
    raw__currency as currency,
    raw__rate_to_reporting as rate_to_reporting
from checked
where quarantine_reason is not null
