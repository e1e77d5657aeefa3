import './base.css';
import './pipeline.css';
import './architecture.css';
import './executions.css';
import './provenance.css';
