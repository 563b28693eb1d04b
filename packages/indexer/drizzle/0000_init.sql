CREATE TABLE "balances" (
	"address" text PRIMARY KEY NOT NULL,
	"shares" numeric(78, 0) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blocks" (
	"number" bigint PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"timestamp" bigint NOT NULL,
	"has_events" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"request_id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"timestamp" bigint NOT NULL,
	"controller" text NOT NULL,
	"receiver" text NOT NULL,
	"assets" numeric(78, 0) NOT NULL,
	"as_weth" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits" (
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	"pubkey" text NOT NULL,
	"amount_gwei" bigint NOT NULL,
	"deposit_index" bigint NOT NULL,
	CONSTRAINT "deposits_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	"tx_hash" text NOT NULL,
	"address" text NOT NULL,
	"contract" text NOT NULL,
	"name" text NOT NULL,
	"args" jsonb NOT NULL,
	CONSTRAINT "events_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "keys" (
	"pubkey" text NOT NULL,
	"operator_id" integer NOT NULL,
	"key_index" integer NOT NULL,
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	CONSTRAINT "keys_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"ref_slot" bigint PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	"timestamp" bigint NOT NULL,
	"share_rate" numeric(78, 0) NOT NULL,
	"rewards" numeric(78, 0) NOT NULL,
	"el_rewards_pulled" numeric(78, 0) NOT NULL,
	"treasury_shares" numeric(78, 0) NOT NULL,
	"commission_shares" numeric(78, 0) NOT NULL,
	"total_shares" numeric(78, 0) NOT NULL,
	"beacon_assets" numeric(78, 0),
	"finalized_to" numeric(78, 0),
	"eth_locked" numeric(78, 0)
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"request_id" numeric(78, 0) PRIMARY KEY NOT NULL,
	"block_number" bigint NOT NULL,
	"timestamp" bigint NOT NULL,
	"controller" text NOT NULL,
	"owner" text NOT NULL,
	"shares" numeric(78, 0) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"block_number" bigint NOT NULL,
	"log_index" integer NOT NULL,
	"tx_hash" text NOT NULL,
	"from" text NOT NULL,
	"to" text NOT NULL,
	"shares" numeric(78, 0) NOT NULL,
	CONSTRAINT "transfers_block_number_log_index_pk" PRIMARY KEY("block_number","log_index")
);
--> statement-breakpoint
CREATE TABLE "validator_snapshots" (
	"ref_slot" bigint NOT NULL,
	"block_number" bigint NOT NULL,
	"pubkey" text NOT NULL,
	"validator_index" integer,
	"operator_id" integer,
	"status" text NOT NULL,
	"balance_gwei" bigint NOT NULL,
	"effective_balance_gwei" bigint NOT NULL,
	"slashed" boolean NOT NULL,
	CONSTRAINT "validator_snapshots_ref_slot_pubkey_pk" PRIMARY KEY("ref_slot","pubkey")
);
--> statement-breakpoint
CREATE INDEX "balances_holders" ON "balances" USING btree ("shares") WHERE "balances"."shares" > 0;--> statement-breakpoint
CREATE INDEX "claims_controller" ON "claims" USING btree ("controller");--> statement-breakpoint
CREATE INDEX "deposits_pubkey" ON "deposits" USING btree ("pubkey");--> statement-breakpoint
CREATE INDEX "events_name" ON "events" USING btree ("contract","name","block_number");--> statement-breakpoint
CREATE INDEX "keys_pubkey" ON "keys" USING btree ("pubkey");--> statement-breakpoint
CREATE INDEX "requests_controller" ON "requests" USING btree ("controller");--> statement-breakpoint
CREATE INDEX "transfers_from" ON "transfers" USING btree ("from","block_number");--> statement-breakpoint
CREATE INDEX "transfers_to" ON "transfers" USING btree ("to","block_number");--> statement-breakpoint
CREATE INDEX "snapshots_block" ON "validator_snapshots" USING btree ("block_number");