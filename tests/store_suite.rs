//! The store suite: every case written once and run on SQLite (a temporary file per case) and
//! on PostgreSQL (`DUET_TEST_POSTGRES_URL`, else the local server; a schema per case).

mod store_support;

store_suite! {
    subjects::a_committed_session_reads_back_with_its_parties,
    subjects::creating_a_taken_id_fails_only_its_own_group,
    subjects::a_failed_group_leaves_no_record_and_no_gap_in_the_chain,
    subjects::touch_raises_activity_and_never_lowers_it,
    subjects::subjects_are_the_live_and_the_recently_ended_and_pruning_removes_the_old,
    listing::a_tenants_sessions_list_newest_first_limited_and_only_its_own,
    listing::the_list_narrows_to_a_text_in_the_id_the_conversation_or_a_partys_name,
    listing::a_session_by_id_is_found_in_every_tenant_that_has_it,
    audit_chain::the_chain_verifies_after_many_appends_across_two_tenants,
    audit_chain::concurrent_commits_from_many_tasks_give_one_unbroken_chain,
    audit_chain::audit_reads_filter_by_session_and_time_and_page_by_seq,
    audit_chain::pruning_keeps_the_rest_verifiable_and_records_itself,
    tampering::an_edited_detail_is_found_by_verify_naming_its_seq,
    tampering::an_edited_action_is_found_by_verify_naming_its_seq,
    tampering::a_deleted_middle_record_is_found_naming_the_seq_after_the_gap,
    tampering::a_deleted_last_record_is_found_against_the_head,
    tampering::a_detail_that_is_not_json_is_reported_not_skipped,
    tenant::a_setting_round_trips_with_its_audit_record,
    tenant::one_setting_of_every_tenant_is_read_in_tenant_order,
    tenant::secret_or_insert_keeps_the_first_value,
    tenant::heartbeats_keep_the_last_beat_of_each_node,
    tenant::forgetting_a_tenant_removes_only_that_tenants_rows,
    export::a_jsonl_export_has_exactly_the_record_fields,
    export::a_csv_export_quotes_a_detail_with_commas_and_quotes,
    agreement::a_claim_another_live_session_holds_refuses_the_write_and_names_the_holder,
    agreement::ending_a_session_frees_its_claims_in_the_same_write,
    agreement::a_claim_dropped_from_a_later_write_is_free_and_one_kept_stays_held,
    agreement::claims_are_held_per_kind,
    agreement::forgetting_a_tenant_frees_the_claims_of_its_sessions,
    agreement::attempts_over_a_stored_limit_are_refused_uncounted_until_the_window_slides,
    agreement::a_window_long_past_no_longer_counts,
}
