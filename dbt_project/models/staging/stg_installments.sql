with

checked as (

    select * from {{ ref('base_installments') }}

)

select
    installment_id,
    plan_id,
    sequence,
    due_date,
    amount
from checked
where quarantine_reason is null
