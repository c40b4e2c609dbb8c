import { AppExportMenu } from '../analysis/ExportMenu';
import { BackendBadge } from '../model/BackendBadge';
import { BackendSelect } from '../model/BackendSelect';
import { BuiltinModelSelect } from '../model/ModelPanel';
import { formatParams } from '../model/format';
import { useModelStore } from '../model/modelStore';

export function Header() {
  const info = useModelStore((s) => s.info);
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <span />
          <span />
          <span />
          <span />
        </span>
        <div>
          <h1 className="brand-name">Rhythmscope</h1>
          <p className="brand-tagline">Attention rhythm in language models</p>
        </div>
      </div>
      <div className="header-right">
        <BuiltinModelSelect />
        <div className="header-model" data-testid="header-model">
          {info ? (
            <>
              <span className="header-model-name" data-testid="model-name">
                {info.name}
              </span>
              <span className="header-model-params" data-testid="model-params">
                {formatParams(info.numParams)} params
              </span>
            </>
          ) : (
            <span className="header-model-none">No model loaded</span>
          )}
        </div>
        <AppExportMenu />
        <BackendBadge />
        <BackendSelect />
      </div>
    </header>
  );
}
