export namespace app {
	
	export interface BackupResult {
	    cancelled: boolean;
	    path: string;
	}
	export interface ExportInput {
	    selection: report.Selection;
	    format: report.Format;
	}
	export interface ExportResult {
	    cancelled: boolean;
	    path: string;
	    bytes: number;
	}
	export interface RestoreResult {
	    cancelled: boolean;
	    restored: string;
	    keptAt: string;
	    leftOut: string[];
	}
	export interface RunbookFile {
	    cancelled: boolean;
	    path: string;
	    name: string;
	    templates: release.TemplateInput[];
	    problems: runbook.Problem[];
	}
	export interface RunbookImport {
	    cancelled: boolean;
	    path: string;
	    added: number;
	    removed: number;
	    problems: runbook.Problem[];
	}
	export interface RunbookImportInput {
	    releaseId: number;
	    replace: boolean;
	}
	export interface Status {
	    ready: boolean;
	    error: string;
	    startupErrorCode: string;
	    version: string;
	    dataDir: string;
	    databasePath: string;
	    databaseBytes: number;
	    schemaVersion: number;
	    readOnly: boolean;
	    readOnlyReason: string;
	    dailyBackupError: string;
	    dataDirWarning: string;
	    team: string;
	    teamName: string;
	    offline: boolean;
	    teamFromCommandLine: boolean;
	    savedTeam: string;
	}
	export interface TeamInput {
	    url: string;
	    password: string;
	    operator: string;
	}

}

export namespace backup {
	
	export interface Info {
	    path: string;
	    name: string;
	    bytes: number;
	    modTime: number;
	}

}

export namespace cluster {
	
	export interface Cluster {
	    id: number;
	    name: string;
	    kubeconfigPath: string;
	    description: string;
	    isActive: boolean;
	    createdAt: number;
	    updatedAt: number;
	    customerCount: number;
	    archivedCustomerCount: number;
	    metadata: {[key: string]: string};
	}
	export interface Member {
	    id: number;
	    name: string;
	    namespace: string;
	    isActive: boolean;
	}
	export interface Detail {
	    cluster: Cluster;
	    customers: Member[];
	}
	export interface Input {
	    name: string;
	    kubeconfigPath: string;
	    description: string;
	    metadata: {[key: string]: string};
	}
	
	export interface UpdateInput {
	    id: number;
	    name: string;
	    kubeconfigPath: string;
	    description: string;
	    metadata: {[key: string]: string};
	}

}

export namespace customer {
	
	export interface Customer {
	    id: number;
	    clusterId: number;
	    clusterName: string;
	    namespace: string;
	    name: string;
	    description: string;
	    isActive: boolean;
	    createdAt: number;
	    updatedAt: number;
	    metadata: {[key: string]: string};
	}
	export interface ReleaseProgress {
	    releaseId: number;
	    name: string;
	    type: string;
	    status: string;
	    versionNumber: string;
	    progress: progress.Progress;
	    heldAt?: number;
	    holdReason: string;
	}
	export interface Detail {
	    customer: Customer;
	    clusterIsActive: boolean;
	    releases: ReleaseProgress[];
	}
	export interface ImportInput {
	    csv: string;
	    createClusters: boolean;
	    update: boolean;
	}
	export interface ImportRow {
	    line: number;
	    cluster: string;
	    namespace: string;
	    name: string;
	    action: string;
	    changes: string[];
	    newCluster: boolean;
	    customerId: number;
	}
	export interface ImportPreview {
	    rows: ImportRow[];
	    problems: fleetcsv.Problem[];
	    create: number;
	    update: number;
	    unchanged: number;
	    newClusters: string[];
	}
	export interface ImportResult {
	    created: number;
	    updated: number;
	    unchanged: number;
	    clustersCreated: string[];
	}
	
	export interface Input {
	    clusterId: number;
	    namespace: string;
	    name: string;
	    description: string;
	    metadata: {[key: string]: string};
	}
	export interface ListFilter {
	    includeArchived: boolean;
	    clusterId: number;
	    search: string;
	}
	
	export interface Row {
	    id: number;
	    clusterId: number;
	    clusterName: string;
	    namespace: string;
	    name: string;
	    description: string;
	    isActive: boolean;
	}
	export interface UpdateInput {
	    id: number;
	    clusterId: number;
	    namespace: string;
	    name: string;
	    description: string;
	    metadata: {[key: string]: string};
	}

}

export namespace dashboard {
	
	export interface Counts {
	    clusters: number;
	    archivedClusters: number;
	    customers: number;
	    archivedCustomers: number;
	    draftReleases: number;
	    activeReleases: number;
	    archivedReleases: number;
	}
	export interface Overview {
	    counts: Counts;
	    steps: progress.Progress;
	    active: release.Release[];
	    drafts: release.Release[];
	    recent: release.HistoryEntry[];
	    empty: boolean;
	}

}

export namespace fleetcsv {
	
	export interface Problem {
	    line: number;
	    column: string;
	    message: string;
	}

}

export namespace highlight {
	
	export interface Request {
	    content: string;
	    type: string;
	}
	export interface Result {
	    html: string;
	    lines: number;
	}
	export interface Styles {
	    light: string;
	    dark: string;
	}

}

export namespace progress {
	
	export interface Progress {
	    total: number;
	    done: number;
	    skipped: number;
	    reverted: number;
	    pending: number;
	    percent: number;
	    heldCustomers: number;
	    heldSteps: number;
	}

}

export namespace release {
	
	export enum Category {
	    DEPLOY = "deploy",
	    VERIFY = "verify",
	}
	export enum StepType {
	    BASH = "bash",
	    SQL = "sql",
	    TEXT = "text",
	}
	export enum CellCode {
	    PENDING = "p",
	    DONE = "d",
	    SKIPPED = "s",
	    REVERTED = "r",
	    PENDING_OVERRIDDEN = "P",
	    DONE_OVERRIDDEN = "D",
	    SKIPPED_OVERRIDDEN = "S",
	    REVERTED_OVERRIDDEN = "R",
	    NONE = ".",
	}
	export enum Status {
	    PENDING = "pending",
	    DONE = "done",
	    SKIPPED = "skipped",
	    REVERTED = "reverted",
	}
	export enum Kind {
	    STATUS = "status",
	    CONTENT = "content",
	    TEMPLATES = "templates",
	    CUSTOMERS = "customers",
	    RELEASE = "release",
	    RUNS = "runs",
	}
	export enum Source {
	    TEMPLATE = "template",
	    CUSTOM = "custom",
	    OVERRIDDEN = "overridden",
	    TEMPLATE_DELETED = "template-deleted",
	}
	export enum Action {
	    DONE = "done",
	    SKIP = "skip",
	    REVERT = "revert",
	    PENDING = "pending",
	}
	export enum ReleaseStatus {
	    DRAFT = "draft",
	    ACTIVE = "active",
	    ARCHIVED = "archived",
	}
	export enum ReleaseType {
	    ONBOARDING = "onboarding",
	    RELEASE = "release",
	    HOTFIX = "hotfix",
	}
	export interface ActionRule {
	    action: Action;
	    from: string[];
	    to: Status;
	}
	export interface HistoryEntry {
	    id: number;
	    stepId?: number;
	    releaseId: number;
	    releaseName: string;
	    customerId?: number;
	    customerName: string;
	    clusterName: string;
	    templateId?: number;
	    stepName: string;
	    action: string;
	    kind: Kind;
	    fromStatus: string;
	    toStatus: string;
	    note: string;
	    contentBefore: string;
	    contentAfter: string;
	    rendered: string;
	    detail: string;
	    actor: string;
	    source: string;
	    createdAt: number;
	}
	export interface ActivityPage {
	    entries: HistoryEntry[];
	    next: number;
	    actors: string[];
	}
	export interface ActivityQuery {
	    releaseId: number;
	    before: number;
	    limit: number;
	    actor: string;
	    customerId: number;
	    clusterId: number;
	    templateId: number;
	    kinds: string[];
	    search: string;
	}
	export interface AddCustomersInput {
	    releaseId: number;
	    customerIds: number[];
	}
	export interface AddTemplateInput {
	    releaseId: number;
	    name: string;
	    category: Category;
	    type: StepType;
	    content: string;
	    description: string;
	    position?: number;
	}
	export interface RunJob {
	    batchId: string;
	    index: number;
	    stepId: number;
	    stepName: string;
	    releaseId: number;
	    customerId: number;
	    customer: string;
	    cluster: string;
	    state: string;
	    runId: number;
	    exitCode?: number;
	    startedAt: number;
	    finishedAt: number;
	    error: string;
	}
	export interface Batch {
	    id: string;
	    releaseId: number;
	    stepName: string;
	    jobs: RunJob[];
	    done: boolean;
	}
	export interface BulkCellsInput {
	    releaseId: number;
	    templateIds: number[];
	    customerIds: number[];
	    action: Action;
	    note: string;
	    includeHeld: boolean;
	}
	export interface KeptSteps {
	    status: Status;
	    count: number;
	    why: string;
	}
	export interface BulkResult {
	    changed: number;
	    unchanged: number;
	    kept: KeptSteps[];
	    historyFrom: number;
	    historyTo: number;
	    held: number;
	}
	export interface CellsInput {
	    releaseId: number;
	    templateIds: number[];
	    customerIds: number[];
	}
	export interface CloneInput {
	    id: number;
	    name: string;
	    versionNumber: string;
	}
	export interface ClusterConfirm {
	    clusterId: number;
	    cluster: string;
	    kubeconfig: string;
	    namespaces: string[];
	}
	export interface Hold {
	    at: number;
	    by: string;
	    reason: string;
	}
	export interface CustomerProgress {
	    id: number;
	    name: string;
	    namespace: string;
	    isActive: boolean;
	    progress: progress.Progress;
	    hold?: Hold;
	}
	export interface ClusterProgress {
	    id: number;
	    name: string;
	    progress: progress.Progress;
	    customers: CustomerProgress[];
	}
	export interface CustomStepEdit {
	    stepId: number;
	    name: string;
	    type: StepType;
	    content: string;
	}
	export interface CustomStepInput {
	    releaseId: number;
	    customerId: number;
	    category: Category;
	    name: string;
	    type: StepType;
	    content: string;
	    position: number;
	    addToTemplate: boolean;
	}
	
	export interface CustomerRef {
	    id: number;
	    name: string;
	    namespace: string;
	    clusterId: number;
	    clusterName: string;
	}
	export interface Step {
	    id: number;
	    releaseId: number;
	    customerId: number;
	    templateId?: number;
	    name: string;
	    category: Category;
	    type: StepType;
	    content: string;
	    orderIndex: number;
	    status: Status;
	    executedAt?: number;
	    executedBy: string;
	    skipReason: string;
	    notes: string;
	    isCustom: boolean;
	    isOverridden: boolean;
	    source: Source;
	    updatedAt: number;
	    change?: number;
	    rendered?: vars.Result;
	}
	export interface Targets {
	    mode: string;
	    clusterIds: number[];
	    customerIds: number[];
	}
	export interface Release {
	    id: number;
	    name: string;
	    type: ReleaseType;
	    status: ReleaseStatus;
	    versionNumber: string;
	    releaseDate?: number;
	    description: string;
	    createdAt: number;
	    updatedAt: number;
	    targets: Targets;
	    templateCount: number;
	    customerCount: number;
	    progress: progress.Progress;
	    metadata: {[key: string]: string};
	}
	export interface CustomerSteps {
	    release: Release;
	    customer: CustomerRef;
	    deploy: Step[];
	    verify: Step[];
	    progress: progress.Progress;
	    hold?: Hold;
	}
	export interface Template {
	    id: number;
	    releaseId: number;
	    name: string;
	    category: Category;
	    type: StepType;
	    content: string;
	    orderIndex: number;
	    description: string;
	    createdAt: number;
	    progress: progress.Progress;
	}
	export interface Detail {
	    release: Release;
	    deploy: Template[];
	    verify: Template[];
	    clusters: ClusterProgress[];
	}
	
	
	export interface HoldInput {
	    releaseId: number;
	    customerIds: number[];
	    reason: string;
	}
	export interface HoldResult {
	    changed: number;
	    unchanged: number;
	    why: string;
	}
	export interface TemplateInput {
	    name: string;
	    category: Category;
	    type: StepType;
	    content: string;
	    description: string;
	}
	export interface ImportTemplatesInput {
	    releaseId: number;
	    replace: boolean;
	    templates: TemplateInput[];
	    source: string;
	}
	export interface ImportTemplatesResult {
	    added: number;
	    removed: number;
	}
	export interface Input {
	    name: string;
	    type: ReleaseType;
	    versionNumber: string;
	    releaseDate?: number;
	    description: string;
	    targets: Targets;
	    copyTemplatesFrom: number;
	    templates: TemplateInput[];
	    metadata: {[key: string]: string};
	}
	
	export interface LackingVariable {
	    name: string;
	    count: number;
	    customers: string[];
	}
	export interface MatrixRow {
	    templateId: number;
	    name: string;
	    category: Category;
	    type: StepType;
	}
	export interface MatrixCustomer {
	    id: number;
	    name: string;
	    namespace: string;
	    clusterId: number;
	    isActive: boolean;
	    heldAt?: number;
	    heldBy: string;
	    holdReason: string;
	}
	export interface MatrixCluster {
	    id: number;
	    name: string;
	    first: number;
	    count: number;
	    counts: progress.Progress;
	}
	export interface MatrixRelease {
	    id: number;
	    name: string;
	    type: ReleaseType;
	    status: ReleaseStatus;
	    versionNumber: string;
	}
	export interface Matrix {
	    release: MatrixRelease;
	    clusters: MatrixCluster[];
	    customers: MatrixCustomer[];
	    rows: MatrixRow[];
	    cells: string[];
	    extras: number[][];
	    rowCounts: progress.Progress[];
	    colCounts: progress.Progress[];
	    total: progress.Progress;
	    rules: ActionRule[];
	    failed: number[][];
	}
	
	
	
	
	export interface OverrideInput {
	    stepId: number;
	    content: string;
	}
	export interface Preview {
	    customerCount: number;
	    templateCount: number;
	    stepCount: number;
	    lacking: LackingVariable[];
	}
	export interface Ref {
	    id: number;
	    name: string;
	}
	
	export interface ReorderInput {
	    releaseId: number;
	    category: Category;
	    orderedIds: number[];
	}
	export interface RunRefusal {
	    stepId: number;
	    customer: string;
	    why: string;
	}
	export interface RunTarget {
	    stepId: number;
	    stepName: string;
	    customerId: number;
	    customer: string;
	    namespace: string;
	    clusterId: number;
	    cluster: string;
	    kubeconfig: string;
	    status: Status;
	}
	export interface RunCheck {
	    runnable: RunTarget[];
	    refused: RunRefusal[];
	    confirm: ClusterConfirm[];
	    again: number;
	}
	export interface RunDetail {
	    id: number;
	    stepId: number;
	    startedAt: number;
	    finishedAt?: number;
	    exitCode?: number;
	    outcome: string;
	    outputBytes: number;
	    actor: string;
	    script: string;
	    chunks: runner.Chunk[];
	    truncated: boolean;
	}
	export interface RunInput {
	    stepIds: number[];
	    concurrency: number;
	    stopOnFailure: boolean;
	    again: boolean;
	    confirmed: number[];
	}
	
	
	export interface RunSummary {
	    id: number;
	    stepId: number;
	    startedAt: number;
	    finishedAt?: number;
	    exitCode?: number;
	    outcome: string;
	    outputBytes: number;
	    actor: string;
	}
	
	
	export interface StepDetail {
	    step: Step;
	    template?: Template;
	    release: Ref;
	    releaseStatus: ReleaseStatus;
	    customer: CustomerRef;
	    history: HistoryEntry[];
	    historyTotal: number;
	    actions: string[];
	    position: number;
	    stepCount: number;
	    hold?: Hold;
	}
	
	
	export interface TemplateChange {
	    template: Template;
	    propagated: number;
	}
	export interface TemplateDeletion {
	    removedPending: number;
	    keptExecuted: number;
	}
	
	export interface TemplatePreview {
	    customer: Ref;
	    customers: Ref[];
	    rendered: vars.Result;
	    lacking: LackingVariable[];
	}
	export interface TemplatePreviewInput {
	    releaseId: number;
	    name: string;
	    type: StepType;
	    content: string;
	    customerId: number;
	}
	export interface TransitionInput {
	    stepId: number;
	    note: string;
	}
	export interface UndoInput {
	    releaseId: number;
	    from: number;
	    to: number;
	}
	export interface UnholdInput {
	    releaseId: number;
	    customerIds: number[];
	}
	export interface UpdateInput {
	    id: number;
	    name: string;
	    type: ReleaseType;
	    versionNumber: string;
	    releaseDate?: number;
	    description: string;
	    targets?: Targets;
	    metadata: {[key: string]: string};
	}
	export interface UpdateTemplateInput {
	    id: number;
	    name: string;
	    type: StepType;
	    content: string;
	    description: string;
	}

}

export namespace report {
	
	export enum Format {
	    MARKDOWN = "markdown",
	    HTML = "html",
	    CSV = "csv",
	    JSON = "json",
	}
	export interface Selection {
	    releaseId: number;
	    clusterId: number;
	    customerIds: number[];
	}

}

export namespace runbook {
	
	export interface Problem {
	    line: number;
	    message: string;
	}

}

export namespace runner {
	
	export interface Chunk {
	    stderr: boolean;
	    text: string;
	}

}

export namespace settings {
	
	export interface Preferences {
	    sidebarCollapsed: boolean;
	    zoom: number;
	    wrapCode: boolean;
	}
	export interface Running {
	    enabled: boolean;
	    timeoutMinutes: number;
	    markDone: boolean;
	}
	export interface Settings {
	    operatorName: string;
	    operatorNameIsDefault: boolean;
	    theme: string;
	    preferences: Preferences;
	    running: Running;
	}
	export interface Update {
	    operatorName: string;
	    theme: string;
	}

}

export namespace vars {
	
	export interface Problem {
	    name: string;
	    message: string;
	}
	export interface Span {
	    start: number;
	    end: number;
	    name: string;
	    source: string;
	    missing: boolean;
	    unsafe?: string;
	}
	export interface Result {
	    text: string;
	    spans: Span[];
	    missing: Problem[];
	    unsafe: Problem[];
	}

}

