package io.controlplane.adapters.tables;

import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableServiceError;
import com.azure.data.tables.models.TableServiceException;

/**
 * What a Table Storage failure means. A failed transaction's exception may carry no HTTP response,
 * only the service's error code, so both are consulted.
 */
final class TableErrors {

    private TableErrors() {
    }

    static boolean isNotFound(TableServiceException e) {
        return status(e) == 404 || code(e, TableErrorCode.RESOURCE_NOT_FOUND) || code(e, TableErrorCode.ENTITY_NOT_FOUND);
    }

    static boolean isTableMissing(TableServiceException e) {
        return code(e, TableErrorCode.TABLE_NOT_FOUND);
    }

    static boolean isAlreadyExists(TableServiceException e) {
        return status(e) == 409 || code(e, TableErrorCode.ENTITY_ALREADY_EXISTS);
    }

    static boolean isPreconditionFailed(TableServiceException e) {
        return status(e) == 412 || code(e, TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED);
    }

    private static int status(TableServiceException e) {
        return e.getResponse() == null ? -1 : e.getResponse().getStatusCode();
    }

    private static boolean code(TableServiceException e, TableErrorCode expected) {
        TableServiceError error = e.getValue();
        return error != null && expected.equals(error.getErrorCode());
    }
}
