export namespace app {
	
	export interface BackupResult {
	    cancelled: boolean;
	    path: string;
	}
	export interface RestoreResult {
	    cancelled: boolean;
	    restored: string;
	    keptAt: string;
	}
	export interface Status {
	    ready: boolean;
	    error: string;
	    version: string;
	    dataDir: string;
	    databasePath: string;
	    databaseBytes: number;
	    schemaVersion: number;
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
	}
	
	export interface UpdateInput {
	    id: number;
	    name: string;
	    kubeconfigPath: string;
	    description: string;
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
	}
	export interface ReleaseProgress {
	    releaseId: number;
	    name: string;
	    type: string;
	    status: string;
	    versionNumber: string;
	    progress: progress.Progress;
	}
	export interface Detail {
	    customer: Customer;
	    clusterIsActive: boolean;
	    releases: ReleaseProgress[];
	}
	export interface Input {
	    clusterId: number;
	    namespace: string;
	    name: string;
	    description: string;
	}
	export interface ListFilter {
	    includeArchived: boolean;
	    clusterId: number;
	    search: string;
	}
	
	export interface UpdateInput {
	    id: number;
	    clusterId: number;
	    namespace: string;
	    name: string;
	    description: string;
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
	    active: release.Release[];
	    drafts: release.Release[];
	    recent: release.HistoryEntry[];
	    empty: boolean;
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
	}

}

export namespace release {
	
	export interface AddCustomersInput {
	    releaseId: number;
	    customerIds: number[];
	}
	export interface AddTemplateInput {
	    releaseId: number;
	    name: string;
	    category: string;
	    type: string;
	    content: string;
	    description: string;
	    position?: number;
	}
	export interface BulkCellsInput {
	    releaseId: number;
	    templateIds: number[];
	    customerIds: number[];
	    action: string;
	    note: string;
	}
	export interface BulkInput {
	    stepIds: number[];
	    action: string;
	    note: string;
	}
	export interface BulkResult {
	    changed: number;
	    unchanged: number;
	}
	export interface CustomerProgress {
	    id: number;
	    name: string;
	    namespace: string;
	    isActive: boolean;
	    progress: progress.Progress;
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
	    type: string;
	    content: string;
	}
	export interface CustomStepInput {
	    releaseId: number;
	    customerId: number;
	    category: string;
	    name: string;
	    type: string;
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
	    category: string;
	    type: string;
	    content: string;
	    orderIndex: number;
	    status: string;
	    executedAt?: number;
	    executedBy: string;
	    skipReason: string;
	    notes: string;
	    isCustom: boolean;
	    isOverridden: boolean;
	    source: string;
	    updatedAt: number;
	}
	export interface Targets {
	    mode: string;
	    clusterIds: number[];
	    customerIds: number[];
	}
	export interface Release {
	    id: number;
	    name: string;
	    type: string;
	    status: string;
	    versionNumber: string;
	    releaseDate?: number;
	    description: string;
	    createdAt: number;
	    updatedAt: number;
	    targets: Targets;
	    templateCount: number;
	    customerCount: number;
	    progress: progress.Progress;
	}
	export interface CustomerSteps {
	    release: Release;
	    customer: CustomerRef;
	    deploy: Step[];
	    verify: Step[];
	    progress: progress.Progress;
	}
	export interface Template {
	    id: number;
	    releaseId: number;
	    name: string;
	    category: string;
	    type: string;
	    content: string;
	    orderIndex: number;
	    description: string;
	    createdAt: number;
	    pending: number;
	    executed: number;
	}
	export interface Detail {
	    release: Release;
	    deploy: Template[];
	    verify: Template[];
	    clusters: ClusterProgress[];
	}
	export interface HistoryEntry {
	    id: number;
	    stepId?: number;
	    releaseId: number;
	    releaseName: string;
	    customerId: number;
	    customerName: string;
	    stepName: string;
	    action: string;
	    fromStatus: string;
	    toStatus: string;
	    note: string;
	    contentBefore: string;
	    contentAfter: string;
	    actor: string;
	    createdAt: number;
	}
	export interface TemplateInput {
	    name: string;
	    category: string;
	    type: string;
	    content: string;
	    description: string;
	}
	export interface Input {
	    name: string;
	    type: string;
	    versionNumber: string;
	    releaseDate?: number;
	    description: string;
	    targets: Targets;
	    copyTemplatesFrom: number;
	    templates: TemplateInput[];
	}
	export interface MatrixRow {
	    templateId: number;
	    name: string;
	    category: string;
	    type: string;
	    orderIndex: number;
	}
	export interface MatrixCustomer {
	    id: number;
	    name: string;
	    namespace: string;
	    clusterId: number;
	    isActive: boolean;
	}
	export interface MatrixCluster {
	    id: number;
	    name: string;
	    first: number;
	    count: number;
	    counts: number[];
	}
	export interface MatrixRelease {
	    id: number;
	    name: string;
	    type: string;
	    status: string;
	    versionNumber: string;
	}
	export interface Matrix {
	    release: MatrixRelease;
	    clusters: MatrixCluster[];
	    customers: MatrixCustomer[];
	    rows: MatrixRow[];
	    cells: string[];
	    extras: number[][];
	    rowCounts: number[][];
	    colCounts: number[][];
	    total: number[];
	}
	
	
	
	
	export interface OverrideInput {
	    stepId: number;
	    content: string;
	}
	export interface Preview {
	    customerCount: number;
	    templateCount: number;
	    stepCount: number;
	}
	export interface Ref {
	    id: number;
	    name: string;
	}
	
	export interface ReorderInput {
	    releaseId: number;
	    category: string;
	    orderedIds: number[];
	}
	
	export interface StepDetail {
	    step: Step;
	    template?: Template;
	    release: Ref;
	    releaseStatus: string;
	    customer: CustomerRef;
	    history: HistoryEntry[];
	    actions: string[];
	    position: number;
	    stepCount: number;
	}
	
	
	export interface TemplateChange {
	    template: Template;
	    propagated: number;
	}
	export interface TemplateDeletion {
	    removedPending: number;
	    keptExecuted: number;
	}
	
	export interface TransitionInput {
	    stepId: number;
	    note: string;
	}
	export interface UpdateInput {
	    id: number;
	    name: string;
	    type: string;
	    versionNumber: string;
	    releaseDate?: number;
	    description: string;
	    targets?: Targets;
	}
	export interface UpdateTemplateInput {
	    id: number;
	    name: string;
	    type: string;
	    content: string;
	    description: string;
	}

}

export namespace settings {
	
	export interface Preferences {
	    sidebarCollapsed: boolean;
	    zoom: number;
	    wrapCode: boolean;
	}
	export interface Settings {
	    operatorName: string;
	    operatorNameIsDefault: boolean;
	    theme: string;
	    preferences: Preferences;
	}
	export interface Update {
	    operatorName: string;
	    theme: string;
	}

}

