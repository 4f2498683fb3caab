CREATE TABLE "blobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "blobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"hash" "bytea" NOT NULL,
	"body" "bytea" NOT NULL,
	CONSTRAINT "blobs_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "capacity_points" (
	"snapshot_id" bigint NOT NULL,
	"resource" text NOT NULL,
	"capacity" text NOT NULL,
	"allocatable" text NOT NULL,
	"requested" text NOT NULL,
	"plannable" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "clusters_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "clusters_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "cycle_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cycle_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cycle_id" bigint NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor" text,
	"at" timestamp (3) with time zone NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "cycles" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cycles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cluster_id" bigint NOT NULL,
	"name" text NOT NULL,
	"state" text NOT NULL,
	"plan_id" bigint,
	"starts_at" timestamp (3) with time zone,
	"ends_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"approved_by" text,
	"approved_at" timestamp (3) with time zone,
	"approval_note" text
);
--> statement-breakpoint
CREATE TABLE "namespace_usage" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "namespace_usage_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cluster_id" bigint NOT NULL,
	"namespace" text NOT NULL,
	"first_seq" integer NOT NULL,
	"last_seq" integer NOT NULL,
	"facts_blob" bigint NOT NULL,
	"requests" text NOT NULL,
	"pods" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "plans_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cluster_id" bigint NOT NULL,
	"cycle" text NOT NULL,
	"snapshot_id" bigint,
	"teams_yaml" text NOT NULL,
	"plan_json" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cluster_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"taken_at" timestamp (3) with time zone NOT NULL,
	"server" text,
	"context" text,
	"source_kind" text NOT NULL,
	"source_ref" text NOT NULL,
	"nodes_blob" bigint NOT NULL,
	"node_usage_blob" bigint NOT NULL,
	"quotas_blob" bigint NOT NULL,
	"quota_usage_blob" bigint NOT NULL,
	"limit_ranges_blob" bigint NOT NULL,
	"profiles_blob" bigint NOT NULL,
	"rest_blob" bigint NOT NULL,
	"node_count" integer NOT NULL,
	"namespace_count" integer NOT NULL,
	"pod_count" integer NOT NULL,
	"warning_count" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "capacity_points" ADD CONSTRAINT "capacity_points_snapshot_id_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycle_events" ADD CONSTRAINT "cycle_events_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cycles" ADD CONSTRAINT "cycles_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "namespace_usage" ADD CONSTRAINT "namespace_usage_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "namespace_usage" ADD CONSTRAINT "namespace_usage_facts_blob_blobs_id_fk" FOREIGN KEY ("facts_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_snapshot_id_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_nodes_blob_blobs_id_fk" FOREIGN KEY ("nodes_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_node_usage_blob_blobs_id_fk" FOREIGN KEY ("node_usage_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_quotas_blob_blobs_id_fk" FOREIGN KEY ("quotas_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_quota_usage_blob_blobs_id_fk" FOREIGN KEY ("quota_usage_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_limit_ranges_blob_blobs_id_fk" FOREIGN KEY ("limit_ranges_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_profiles_blob_blobs_id_fk" FOREIGN KEY ("profiles_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_rest_blob_blobs_id_fk" FOREIGN KEY ("rest_blob") REFERENCES "public"."blobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "capacity_points_snapshot_resource" ON "capacity_points" USING btree ("snapshot_id","resource");--> statement-breakpoint
CREATE INDEX "cycle_events_cycle" ON "cycle_events" USING btree ("cycle_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cycles_cluster_name" ON "cycles" USING btree ("cluster_id","name");--> statement-breakpoint
CREATE INDEX "namespace_usage_cluster_last" ON "namespace_usage" USING btree ("cluster_id","last_seq");--> statement-breakpoint
CREATE INDEX "plans_cluster_cycle" ON "plans" USING btree ("cluster_id","cycle");--> statement-breakpoint
CREATE UNIQUE INDEX "snapshots_cluster_seq" ON "snapshots" USING btree ("cluster_id","seq");--> statement-breakpoint
CREATE INDEX "snapshots_cluster_taken_at" ON "snapshots" USING btree ("cluster_id","taken_at");