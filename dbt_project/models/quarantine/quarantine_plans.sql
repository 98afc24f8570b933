-- Rows of raw plans kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_plans') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__plan_id as plan_id,
    raw__customer_id as customer_id,
    raw__merchant_id as merchant_id,
    raw__purchased_at as purchased_at,
    raw__currency as currency,
    raw__principal_amount as principal_amount,
    raw__plan_type as plan_type,
    raw__installment_count as installment_count,
    raw__payment_method as payment_method
from checked
where quarantine_reason is not null
