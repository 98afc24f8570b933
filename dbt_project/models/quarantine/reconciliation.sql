-- Nothing lost: per contract table, the rows read from the file, the rows staged and the rows
-- quarantined. Counted independently of the base_ models (the raw count re-reads the source),
-- so a join that dropped or duplicated rows would show here; the rows_reconcile test and
-- `relance build` (warehouse/reconcile.py) both require raw = staged + quarantined.
{{ config(materialized='table') }}

with

counts as (

    select
        'merchants' as table_name,
        (select count(*) from {{ relance_source('raw', 'merchants') }}) as raw_rows,
        (select count(*) from {{ ref('stg_merchants') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_merchants') }}) as quarantined_rows

    union all

    select
        'customers' as table_name,
        (select count(*) from {{ relance_source('raw', 'customers') }}) as raw_rows,
        (select count(*) from {{ ref('stg_customers') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_customers') }}) as quarantined_rows

    union all

    select
        'plans' as table_name,
        (select count(*) from {{ relance_source('raw', 'plans') }}) as raw_rows,
        (select count(*) from {{ ref('stg_plans') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_plans') }}) as quarantined_rows

    union all

    select
        'installments' as table_name,
        (select count(*) from {{ relance_source('raw', 'installments') }}) as raw_rows,
        (select count(*) from {{ ref('stg_installments') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_installments') }}) as quarantined_rows

    union all

    select
        'payment_attempts' as table_name,
        (select count(*) from {{ relance_source('raw', 'payment_attempts') }}) as raw_rows,
        (select count(*) from {{ ref('stg_payment_attempts') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_payment_attempts') }}) as quarantined_rows

    union all

    select
        'contacts' as table_name,
        (select count(*) from {{ relance_source('raw', 'contacts') }}) as raw_rows,
        (select count(*) from {{ ref('stg_contacts') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_contacts') }}) as quarantined_rows

    union all

    select
        'arrangements' as table_name,
        (select count(*) from {{ relance_source('raw', 'arrangements') }}) as raw_rows,
        (select count(*) from {{ ref('stg_arrangements') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_arrangements') }}) as quarantined_rows

    union all

    select
        'feedback' as table_name,
        (select count(*) from {{ relance_source('raw', 'feedback') }}) as raw_rows,
        (select count(*) from {{ ref('stg_feedback') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_feedback') }}) as quarantined_rows

    union all

    select
        'calls' as table_name,
        (select count(*) from {{ relance_source('raw', 'calls') }}) as raw_rows,
        (select count(*) from {{ ref('stg_calls') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_calls') }}) as quarantined_rows

    union all

    select
        'allocations' as table_name,
        (select count(*) from {{ relance_source('raw', 'allocations') }}) as raw_rows,
        (select count(*) from {{ ref('stg_allocations') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_allocations') }}) as quarantined_rows

    union all

    select
        'escalations' as table_name,
        (select count(*) from {{ relance_source('raw', 'escalations') }}) as raw_rows,
        (select count(*) from {{ ref('stg_escalations') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_escalations') }}) as quarantined_rows

    union all

    select
        'experiments' as table_name,
        (select count(*) from {{ relance_source('raw', 'experiments') }}) as raw_rows,
        (select count(*) from {{ ref('stg_experiments') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_experiments') }}) as quarantined_rows

    union all

    select
        'fx_rates' as table_name,
        (select count(*) from {{ relance_source('raw', 'fx_rates') }}) as raw_rows,
        (select count(*) from {{ ref('stg_fx_rates') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_fx_rates') }}) as quarantined_rows

)

select * from counts
