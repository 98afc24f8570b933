-- Rows of raw installments kept out of the warehouse, with why, and their values as they arrived.
with

checked as (

    select * from {{ ref('base_installments') }}

)

select
    quarantine_reason,
    quarantine_column,
    raw__installment_id as installment_id,
    raw__plan_id as plan_id,
    raw__sequence as sequence,
    raw__due_date as due_date,
    raw__amount as amount
from checked
where quarantine_reason is not null
